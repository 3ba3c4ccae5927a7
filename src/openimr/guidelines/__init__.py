"""openimr.guidelines"""
