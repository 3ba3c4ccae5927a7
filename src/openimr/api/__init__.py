"""openimr.api"""
