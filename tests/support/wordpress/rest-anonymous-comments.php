<?php
/**
 * Plugin Name: Test harness: anonymous comments through the REST API
 * Description: WordPress refuses a comment posted to /wp-json/wp/v2/comments without a logged-in
 * user unless the rest_allow_anonymous_comments filter allows it, as a headless front end's
 * site does. Tests only.
 */
add_filter( 'rest_allow_anonymous_comments', '__return_true' );
