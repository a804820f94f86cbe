<?php
/**
 * WordPress → Moderato: a person's change of a comment's status in WordPress (approve,
 * unapprove, spam, not spam, trash, restore: each fires `transition_comment_status`) is
 * reported to Moderato's `POST /api/v1/wordpress/decisions` with the site's key.
 *
 * A report is written into the comment's meta (`moderato_report`) first and sent at the end of
 * the request; one Moderato did not take (unreachable, a 5xx) stays queued and WP-Cron tries
 * again, oldest first per comment, until it is taken. One Moderato refuses for good (a 4xx:
 * say, a comment it no longer has) is moved to `moderato_report_refused` and logged. None is
 * dropped silently. Changes made by applying Moderato's own events, and Akismet's re-checks,
 * are not reported: they are Moderato's decisions already.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const MODERATO_REPORT_META  = 'moderato_report';
const MODERATO_RETRY_HOOK   = 'moderato_retry_reports';
const MODERATO_RETRY_DELAY  = 60; // seconds before WP-Cron tries queued reports again
const MODERATO_FLUSH_LIMIT  = 100; // reports sent per request or cron run
const MODERATO_HTTP_TIMEOUT = 5;
const MODERATO_SEND_LOCK    = 'moderato_sending_reports';
const MODERATO_SEND_LOCK_SECONDS = 300; // longer than a run can take (MODERATO_FLUSH_LIMIT calls)

$GLOBALS['moderato_flush_queued'] = false;

/**
 * `transition_comment_status` action: queue a report of a person's change.
 *
 * @param string     $new_status The comment's new status (approved, unapproved, spam, trash, delete).
 * @param string     $old_status Its status before.
 * @param WP_Comment $comment    The comment.
 */
function moderato_report_transition( $new_status, $old_status, $comment ) {
	if ( $new_status === $old_status || ! in_array( $new_status, array( 'approved', 'unapproved', 'spam', 'trash' ), true ) ) {
		return;
	}
	if ( $GLOBALS['moderato_applying_event'] ) {
		return; // Moderato's own decision, being applied.
	}
	$id   = (int) $comment->comment_ID;
	$guid = get_comment_meta( $id, 'moderato_guid', true );
	if ( '' === $guid || get_comment_meta( $id, 'akismet_rechecking' ) ) {
		return; // A comment Moderato never checked, or Akismet applying Moderato's answer.
	}
	$user = wp_get_current_user();
	$report = array(
		'guid'    => $guid,
		'status'  => $new_status,
		'user'    => $user->exists() ? $user->user_login : null,
		'version' => (int) get_comment_meta( $id, 'moderato_version', true ) ?: null,
	);
	add_comment_meta( $id, MODERATO_REPORT_META, $report );
	if ( ! $GLOBALS['moderato_flush_queued'] ) {
		$GLOBALS['moderato_flush_queued'] = true;
		add_action( 'shutdown', 'moderato_send_reports' );
	}
}
add_action( 'transition_comment_status', 'moderato_report_transition', 20, 3 );

/**
 * Send the queued reports, oldest first, one sender at a time. The first report Moderato does
 * not take ends the run (Moderato is down: each further attempt would only make the admin wait
 * for its timeout), so a comment's later reports stay behind its earlier ones. Schedules a
 * retry while any remain.
 */
function moderato_send_reports() {
	global $wpdb;
	if ( ! moderato_take_send_lock() ) {
		// Another request is sending, and may have read the queue before this report joined it.
		moderato_schedule_retry();
		return;
	}
	try {
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT meta_id, comment_id, meta_value FROM {$wpdb->commentmeta} WHERE meta_key = %s ORDER BY meta_id LIMIT %d", MODERATO_REPORT_META, MODERATO_FLUSH_LIMIT ) );
		moderato_send_rows( $rows );
	} finally {
		delete_option( MODERATO_SEND_LOCK );
	}
	$left = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->commentmeta} WHERE meta_key = %s", MODERATO_REPORT_META ) );
	if ( $left > 0 ) {
		moderato_schedule_retry();
	}
}
add_action( MODERATO_RETRY_HOOK, 'moderato_send_reports' );

/** Have WP-Cron send the queue again soon, unless it will already. */
function moderato_schedule_retry() {
	if ( ! wp_next_scheduled( MODERATO_RETRY_HOOK ) ) {
		wp_schedule_single_event( time() + MODERATO_RETRY_DELAY, MODERATO_RETRY_HOOK );
	}
}

/**
 * The sending lock: an option only one request can add (a unique row). One left by a request
 * that died is taken over after MODERATO_SEND_LOCK_SECONDS.
 */
function moderato_take_send_lock() {
	if ( add_option( MODERATO_SEND_LOCK, time(), '', 'no' ) ) {
		return true;
	}
	$since = (int) get_option( MODERATO_SEND_LOCK, 0 );
	if ( time() - $since > MODERATO_SEND_LOCK_SECONDS ) {
		delete_option( MODERATO_SEND_LOCK );
		return (bool) add_option( MODERATO_SEND_LOCK, time(), '', 'no' );
	}
	return false;
}

/**
 * Send queued reports (rows of the comment meta table) in order, until one is not taken.
 *
 * @param array $rows meta_id, comment_id and meta_value of each.
 */
function moderato_send_rows( $rows ) {
	foreach ( $rows as $row ) {
		$comment_id = (int) $row->comment_id;
		$report     = maybe_unserialize( $row->meta_value );
		$result     = moderato_send_report( $report );
		if ( 'retry' === $result ) {
			return;
		}
		if ( is_array( $result ) ) {
			moderato_store_version( $comment_id, $report, $result );
		} else {
			add_comment_meta( $comment_id, 'moderato_report_refused', array( 'report' => $report, 'answer' => $result ) );
			error_log( sprintf( 'Moderato refused the report on comment %d: %s', $comment_id, $result ) );
		}
		delete_metadata_by_mid( 'comment', (int) $row->meta_id );
	}
}

/**
 * POST one report. Moderato's answer (an array) when taken; 'retry' when it may be taken
 * later (not configured yet, unreachable, 408, 429, 5xx); else why it was refused.
 *
 * @param mixed $report The queued report.
 * @return array|string
 */
function moderato_send_report( $report ) {
	$url = moderato_url();
	$key = moderato_setting( 'moderato_site_key' );
	if ( '' === $url || '' === $key ) {
		return 'retry';
	}
	$response = wp_remote_post(
		$url . '/api/v1/wordpress/decisions',
		array(
			'timeout' => MODERATO_HTTP_TIMEOUT,
			'headers' => array(
				'Authorization' => 'Bearer ' . $key,
				'Content-Type'  => 'application/json',
			),
			'body'    => wp_json_encode( $report ),
		)
	);
	if ( is_wp_error( $response ) ) {
		return 'retry';
	}
	$status = (int) wp_remote_retrieve_response_code( $response );
	if ( $status >= 200 && $status < 300 ) {
		$answer = json_decode( wp_remote_retrieve_body( $response ), true );
		return is_array( $answer ) ? $answer : array();
	}
	if ( 408 === $status || 429 === $status || $status >= 500 ) {
		return 'retry';
	}
	return 'HTTP ' . $status . ' ' . substr( wp_remote_retrieve_body( $response ), 0, 500 );
}

/**
 * Keep the version Moderato gave the comment for this report, so its webhook about the same
 * change is recognised as one WordPress has already; unless the comment has changed since
 * (Moderato's own decision applied meanwhile), in which case that webhook must set it again.
 *
 * @param int   $comment_id The comment.
 * @param array $report     The report sent.
 * @param array $answer     Moderato's answer.
 */
function moderato_store_version( $comment_id, $report, $answer ) {
	$version = isset( $answer['version'] ) ? (int) $answer['version'] : 0;
	$same    = is_array( $report ) && isset( $report['status'] ) && wp_get_comment_status( $comment_id ) === $report['status'];
	if ( $same && $version > (int) get_comment_meta( $comment_id, 'moderato_version', true ) ) {
		update_comment_meta( $comment_id, 'moderato_version', $version );
	}
}
