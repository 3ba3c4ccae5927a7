"""openimr.requests"""
