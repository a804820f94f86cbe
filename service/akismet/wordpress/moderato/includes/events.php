<?php
/**
 * Moderato → WordPress: `POST /wp-json/moderato/v1/events`, Moderato's signed webhooks.
 *
 * Each request is checked as the Standard Webhooks specification says (webhook-id,
 * webhook-timestamp, webhook-signature: v1 and the base64 HMAC-SHA256 of "id.timestamp.body"
 * keyed with the secret after `whsec_`), its timestamp must be within five minutes, and a
 * message id already applied is refused (a replay). A `comment.decided` event then sets the
 * status of the comment Moderato names by its guid, unless WordPress already has that version
 * of the comment or a newer one: Moderato's retries after a time down arrive in order, but a
 * receiver must never go back.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const MODERATO_TIMESTAMP_TOLERANCE = 300; // seconds, either way, as the specification's libraries
const MODERATO_SEEN_PREFIX         = 'moderato_seen_';

$GLOBALS['moderato_applying_event'] = false;

/** Register the route; anyone may call it, the signature decides. */
function moderato_register_events_route() {
	register_rest_route(
		'moderato/v1',
		'/events',
		array(
			'methods'             => 'POST',
			'callback'            => 'moderato_receive_event',
			'permission_callback' => '__return_true',
		)
	);
}
add_action( 'rest_api_init', 'moderato_register_events_route' );

/**
 * The route: verify, then apply.
 *
 * @param WP_REST_Request $request The request.
 * @return WP_REST_Response|WP_Error
 */
function moderato_receive_event( $request ) {
	$id       = (string) $request->get_header( 'webhook-id' );
	$verified = moderato_verify_signature(
		moderato_setting( 'moderato_webhook_secret' ),
		$id,
		(string) $request->get_header( 'webhook-timestamp' ),
		(string) $request->get_header( 'webhook-signature' ),
		$request->get_body(),
		time()
	);
	if ( is_wp_error( $verified ) ) {
		return $verified;
	}
	$seen = MODERATO_SEEN_PREFIX . md5( $id );
	if ( false !== get_transient( $seen ) ) {
		return new WP_Error( 'moderato_replayed', 'This message was received already.', array( 'status' => 409 ) );
	}
	$event = json_decode( $request->get_body(), true );
	if ( ! is_array( $event ) || ! isset( $event['type'], $event['data'] ) || ! is_array( $event['data'] ) ) {
		return new WP_Error( 'moderato_malformed', 'Not a Moderato event.', array( 'status' => 400 ) );
	}
	$outcome = 'comment.decided' === $event['type'] ? moderato_apply_decision( $event['data'] ) : 'ignored';
	// Remembered only once applied: a failed attempt is retried with the same id.
	set_transient( $seen, 1, 2 * MODERATO_TIMESTAMP_TOLERANCE );
	return new WP_REST_Response( array( 'outcome' => $outcome ), 200 );
}

/**
 * Check a Standard Webhooks signature; true, or a WP_Error to answer with.
 *
 * @param string $secret    The endpoint's secret, `whsec_` and base64.
 * @param string $id        webhook-id.
 * @param string $timestamp webhook-timestamp (Unix seconds).
 * @param string $signature webhook-signature: space-separated `v1,BASE64` entries.
 * @param string $body      The raw body.
 * @param int    $now       The time now.
 * @return true|WP_Error
 */
function moderato_verify_signature( $secret, $id, $timestamp, $signature, $body, $now ) {
	$refused = new WP_Error( 'moderato_bad_signature', 'Signature refused.', array( 'status' => 401 ) );
	if ( '' === $secret ) {
		return new WP_Error( 'moderato_not_configured', 'No webhook secret is configured.', array( 'status' => 503 ) );
	}
	$key = base64_decode( 0 === strpos( $secret, 'whsec_' ) ? substr( $secret, 6 ) : $secret, true );
	if ( false === $key || '' === $id || '' === $signature || ! preg_match( '/^[0-9]{1,12}$/', $timestamp ) ) {
		return $refused;
	}
	if ( abs( $now - (int) $timestamp ) > MODERATO_TIMESTAMP_TOLERANCE ) {
		return new WP_Error( 'moderato_expired', 'Timestamp outside the tolerance.', array( 'status' => 401 ) );
	}
	$expected = base64_encode( hash_hmac( 'sha256', $id . '.' . $timestamp . '.' . $body, $key, true ) );
	foreach ( explode( ' ', $signature ) as $entry ) {
		$parts = explode( ',', $entry, 2 );
		if ( 2 === count( $parts ) && 'v1' === $parts[0] && hash_equals( $expected, $parts[1] ) ) {
			return true;
		}
	}
	return $refused;
}

/**
 * Apply a `comment.decided` event's data to the comment it names.
 *
 * @param array $data The event's data.
 * @return string What was done: applied, unchanged, stale, unknown or ignored.
 */
function moderato_apply_decision( $data ) {
	$guid = isset( $data['guid'] ) && is_string( $data['guid'] ) ? $data['guid'] : '';
	$id   = '' !== $guid ? moderato_comment_by_guid( $guid ) : 0;
	if ( ! $id ) {
		return 'unknown'; // Not a comment of this WordPress (or one it never stored).
	}
	$version = isset( $data['version'] ) ? (int) $data['version'] : 0;
	$applied = (int) get_comment_meta( $id, 'moderato_version', true );
	if ( $version <= $applied ) {
		return 'stale';
	}
	$target = moderato_wordpress_status( isset( $data['status'] ) ? $data['status'] : '', isset( $data['reason'] ) ? $data['reason'] : null );
	update_comment_meta( $id, 'moderato_version', $version );
	if ( 0 === $applied && isset( $data['previous_status'] ) && 'queued' === $data['previous_status'] ) {
		// The check's own decision: WordPress had it as the answer to its comment-check, and
		// its own rules (moderation keys, "previously approved") applied after it, as they do
		// with Akismet. Whether this event arrives before or after WordPress stores the comment
		// must not decide its status.
		return 'answered';
	}
	if ( null === $target || moderato_status_matches( wp_get_comment_status( $id ), $target ) ) {
		return 'unchanged';
	}
	// The change is Moderato's: the report hook must not send it back.
	$GLOBALS['moderato_applying_event'] = true;
	try {
		moderato_set_status( $id, $target );
	} finally {
		$GLOBALS['moderato_applying_event'] = false;
	}
	return 'applied';
}

/**
 * What Moderato's status becomes in WordPress: approve, hold, spam or trash; null for none
 * (a comment still queued).
 *
 * @param string      $status Moderato's status.
 * @param string|null $reason The decision's reason.
 */
function moderato_wordpress_status( $status, $reason ) {
	switch ( $status ) {
		case 'approved':
			return 'approve';
		case 'pending':
			return 'hold';
		case 'rejected':
			return moderato_rejected_status( $reason );
	}
	return null;
}

/**
 * Whether a comment's status (wp_get_comment_status) is already `$target`.
 *
 * @param string|false $current wp_get_comment_status's answer.
 * @param string       $target  approve, hold, spam or trash.
 */
function moderato_status_matches( $current, $target ) {
	$names = array(
		'approve' => 'approved',
		'hold'    => 'unapproved',
		'spam'    => 'spam',
		'trash'   => 'trash',
	);
	return $names[ $target ] === $current;
}

/**
 * Set a comment's status the way wp-admin does, so Undo and "Not spam" work as usual there.
 *
 * @param int    $id     The comment.
 * @param string $target approve, hold, spam or trash.
 */
function moderato_set_status( $id, $target ) {
	if ( 'spam' === $target ) {
		wp_spam_comment( $id );
	} elseif ( 'trash' === $target && EMPTY_TRASH_DAYS ) {
		wp_trash_comment( $id );
	} else {
		// Without a trash (EMPTY_TRASH_DAYS 0) wp_trash_comment would delete the comment.
		wp_set_comment_status( $id, $target );
	}
}
