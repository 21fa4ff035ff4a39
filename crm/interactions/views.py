"""Screens of the interactions domain."""

from flask import Blueprint

bp = Blueprint("interactions", __name__)
