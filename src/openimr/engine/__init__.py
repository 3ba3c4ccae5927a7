"""openimr.engine"""
