"""openimr.evidence"""
