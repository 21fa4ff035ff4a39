"""Screens of the people domain."""

from flask import Blueprint

bp = Blueprint("people", __name__)
