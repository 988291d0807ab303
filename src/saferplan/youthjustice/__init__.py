"""youthjustice"""
