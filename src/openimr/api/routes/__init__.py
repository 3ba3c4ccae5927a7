"""The API's route modules, one per concern; each is thin: read the request, call the store or
the review service, return its typed result."""
