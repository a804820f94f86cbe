<?php
/**
 * Plugin Name: Moderato for Akismet
 * Description: Sends the Akismet plugin's calls to a Moderato server instead of rest.akismet.com. Set MODERATO_AKISMET_URL in wp-config.php (or the moderato_akismet_url option).
 * Version: 1.0.0
 * License: MIT
 *
 * A must-use plugin: copy this file into wp-content/mu-plugins/. The Akismet plugin keeps its
 * host in the class constant Akismet::API_HOST, and no filter changes it, so this plugin
 * answers WordPress core's `pre_http_request` filter instead: a request to rest.akismet.com is
 * made to Moderato (same method, body, headers and timeout, same path under Moderato's URL)
 * and Moderato's answer is handed back to Akismet as if rest.akismet.com had given it. Every
 * other request is left alone.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const MODERATO_AKISMET_HOST = 'rest.akismet.com';

/**
 * Moderato's base URL without a trailing slash, e.g. "https://moderato.example.org", or ''
 * when none is configured. The constant wins over the option; without either, Moderato's
 * own URL (MODERATO_URL, or the moderato_url option of the Moderato plugin) is used, for a
 * Moderato that serves the Akismet paths at the same address.
 */
function moderato_akismet_base_url() {
	$url = defined( 'MODERATO_AKISMET_URL' ) ? MODERATO_AKISMET_URL : get_option( 'moderato_akismet_url', '' );
	if ( '' === trim( (string) $url ) ) {
		$url = defined( 'MODERATO_URL' ) ? MODERATO_URL : get_option( 'moderato_url', '' );
	}
	return rtrim( trim( (string) $url ), '/' );
}

/**
 * The URL that takes the place of an Akismet API URL: its path and query under Moderato's URL.
 *
 * @param array  $parts The parsed Akismet URL.
 * @param string $base  Moderato's base URL.
 */
function moderato_akismet_target( $parts, $base ) {
	$path  = isset( $parts['path'] ) ? $parts['path'] : '/';
	$query = isset( $parts['query'] ) ? '?' . $parts['query'] : '';
	return $base . $path . $query;
}

/**
 * `pre_http_request` filter: make a request meant for rest.akismet.com to Moderato.
 *
 * @param false|array|WP_Error $response A response another filter gave already, or false.
 * @param array                $args     The request's arguments (method, body, headers, ...).
 * @param string               $url      The URL the caller asked for.
 * @return false|array|WP_Error False to let WordPress make the request, or Moderato's answer.
 */
function moderato_akismet_pre_http_request( $response, $args, $url ) {
	if ( false !== $response ) {
		return $response;
	}
	$parts = wp_parse_url( $url );
	if ( ! is_array( $parts ) || empty( $parts['host'] ) || MODERATO_AKISMET_HOST !== strtolower( $parts['host'] ) ) {
		return $response;
	}
	$base = moderato_akismet_base_url();
	$base_host = strtolower( (string) wp_parse_url( $base, PHP_URL_HOST ) );
	if ( '' === $base_host || MODERATO_AKISMET_HOST === $base_host ) {
		// Never fall through to Akismet's own servers: comments would leave for a third party.
		return new WP_Error( 'moderato_akismet_not_configured', 'Moderato for Akismet: set MODERATO_AKISMET_URL to your Moderato server.' );
	}
	// Akismet sets "Host: rest.akismet.com"; the request must carry Moderato's own host.
	if ( isset( $args['headers'] ) && is_array( $args['headers'] ) ) {
		foreach ( array_keys( $args['headers'] ) as $name ) {
			if ( 'host' === strtolower( $name ) ) {
				unset( $args['headers'][ $name ] );
			}
		}
	}
	return wp_remote_request( moderato_akismet_target( $parts, $base ), $args );
}

add_filter( 'pre_http_request', 'moderato_akismet_pre_http_request', 10, 3 );
