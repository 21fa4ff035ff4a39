"""Screens of the funding domain."""

from flask import Blueprint

bp = Blueprint("funding", __name__)
