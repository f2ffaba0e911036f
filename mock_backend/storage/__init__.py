"""Storage: SQLAlchemy tables, the repository the domain uses, and the blob store on disk."""
