"""Unbound extension instances; `create_app` binds them with `init_app`."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)  # batch mode so ALTERs also work on SQLite
