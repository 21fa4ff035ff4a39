"""Screens of the forums domain."""

from flask import Blueprint

bp = Blueprint("forums", __name__)
