"""UK geography for callingtime: LSOA, ward, borough, constituency, Met BCU and police force.

Plain Python: no Django. It builds its tables from the ONS and Parliament files and serves
lookups to the crime store, the CLI and the web app.
"""
