"""openimr.evaluation"""
