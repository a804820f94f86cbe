"""Intake: storing what sites submit, at once, and handing it to the workers; the safety net that
sends again what waited too long.
"""
