"""Screens of the projects domain."""

from flask import Blueprint

bp = Blueprint("projects", __name__)
