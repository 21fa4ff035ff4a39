"""Routes of the privacy domain."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
