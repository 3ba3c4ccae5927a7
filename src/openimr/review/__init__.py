"""openimr.review: the review service (decide, assign, override, edit, sign) that the CLI, the
API and the web pages call; see `openimr.review.service`."""
