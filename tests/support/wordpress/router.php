<?php
// Router for `php -S`: Debian's wp-config.php picks /etc/wordpress/config-NAME.php from
// $_SERVER['WORDPRESS_CONFIG'] (Apache's SetEnv), which the built-in server never fills from
// the environment. Copy it there, then let the server serve the file as usual.
$_SERVER['WORDPRESS_CONFIG'] = getenv( 'WORDPRESS_CONFIG' );
return false;
