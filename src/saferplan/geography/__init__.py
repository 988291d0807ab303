"""geography"""
