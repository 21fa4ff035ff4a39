"""Screens of the followups domain."""

from flask import Blueprint

bp = Blueprint("followups", __name__)
