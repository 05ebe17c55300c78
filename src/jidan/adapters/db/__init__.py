"""SQLAlchemy persistence: tables, mappers, repositories, unit of work."""
