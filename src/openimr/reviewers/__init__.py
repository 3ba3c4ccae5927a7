"""openimr.reviewers"""
