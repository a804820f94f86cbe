"""A real, unchanged WordPress (Debian's package) for end-to-end tests: installed into a
throw-away MariaDB database, served by `php -S`, and removed afterwards."""
