"""The machinery of the leak tests, kept apart from the tests themselves.

- `records`: the catalogue of secret and public records, and what each reader
  should find in it;
- `reading`: what a response carries, and the words in it that betray a secret;
- `seeds`: the site's addresses, filled with every record, filter and format;
- `crawler`: fetching them all, and every same-site link found on the way.
"""
