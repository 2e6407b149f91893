"""Curation tools: add a document, suggest its claims, accept reviewed rows into claims.csv."""
