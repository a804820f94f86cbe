<?php
/**
 * Plugin Name: Moderato
 * Plugin URI: https://github.com/moderato/moderato
 * Description: Keeps WordPress's comments in step with Moderato: the Akismet plugin's checks go to Moderato, a moderator's decision in Moderato reaches WordPress within seconds (signed webhooks), and approving, holding, trashing or marking spam in wp-admin reaches Moderato.
 * Version: 2.0.0
 * Requires at least: 6.1
 * Requires PHP: 7.2
 * License: MIT
 * Text Domain: moderato
 *
 * Settings: Settings → Moderato, or constants in wp-config.php (a constant wins over its
 * option): MODERATO_URL, MODERATO_SITE_KEY, MODERATO_AKISMET_KEY, MODERATO_WEBHOOK_SECRET.
 * `moderato wordpress connect --site SLUG --url WP_URL` prints the four lines to paste.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// The Akismet redirection is the must-use plugin's own code; a site that has the must-use
// file installed as well already has it (must-use plugins load first).
if ( ! function_exists( 'moderato_akismet_pre_http_request' ) ) {
	require_once __DIR__ . '/includes/akismet.php';
}
require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/guids.php';
require_once __DIR__ . '/includes/events.php';
require_once __DIR__ . '/includes/reports.php';
