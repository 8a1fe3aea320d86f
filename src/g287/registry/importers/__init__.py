"""Readers of ICE's spreadsheets and the FBI employee roster. They read files; services write the database."""
