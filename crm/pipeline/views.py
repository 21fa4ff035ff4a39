"""Screens of the pipeline domain."""

from flask import Blueprint

bp = Blueprint("pipeline", __name__)
