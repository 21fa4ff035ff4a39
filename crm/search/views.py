"""Screens of the search domain."""

from flask import Blueprint

bp = Blueprint("search", __name__)
