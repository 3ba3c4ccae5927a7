"""openimr.letters"""
