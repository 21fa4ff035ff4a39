"""Screens of the impact domain."""

from flask import Blueprint

bp = Blueprint("impact", __name__)
