<?php
/**
 * The name Moderato knows a comment by: the guid it answers a comment-check with
 * (X-akismet-guid), kept in the comment's meta `moderato_guid`. Moderato's events name the
 * comment by it, and the reports to Moderato quote it.
 *
 * Akismet checks a new comment before WordPress stores it (the `preprocess_comment` and
 * `rest_pre_insert_comment` filters), so the guid waits here until `wp_insert_comment` gives
 * the comment its id, as Akismet's own result does.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

$GLOBALS['moderato_pending_guid'] = null;
$GLOBALS['moderato_last_check_held'] = false;

/**
 * `akismet_comment_check_response` action: remember the guid of the comment being checked.
 *
 * @param array $response Akismet's (headers, body) of the comment-check call.
 */
function moderato_remember_guid( $response ) {
	$GLOBALS['moderato_pending_guid']    = null;
	$GLOBALS['moderato_last_check_held'] = false;
	if ( ! is_array( $response ) || ! isset( $response[0] ) ) {
		return;
	}
	$headers = $response[0];
	// A case-insensitive dictionary from WordPress's HTTP API, or a plain array.
	$guid = null;
	if ( is_array( $headers ) ) {
		$headers = array_change_key_case( $headers, CASE_LOWER );
	}
	if ( ( is_array( $headers ) || $headers instanceof ArrayAccess ) && isset( $headers['x-akismet-guid'] ) ) {
		$guid = $headers['x-akismet-guid'];
	}
	// Held for a moderator: Moderato answers neither true nor false, with X-akismet-error.
	$GLOBALS['moderato_last_check_held'] = ( is_array( $headers ) || $headers instanceof ArrayAccess ) && isset( $headers['x-akismet-error'] );
	if ( is_string( $guid ) && preg_match( '/^[A-Za-z0-9-]{1,64}$/', $guid ) ) {
		$GLOBALS['moderato_pending_guid'] = $guid;
	}
}
add_action( 'akismet_comment_check_response', 'moderato_remember_guid' );

/**
 * `wp_insert_comment` action: the checked comment is stored; keep its guid.
 *
 * @param int        $comment_id The new comment's id.
 * @param WP_Comment $comment    The comment.
 */
function moderato_store_guid( $comment_id, $comment ) {
	$guid = $GLOBALS['moderato_pending_guid'];
	if ( null === $guid ) {
		return;
	}
	$GLOBALS['moderato_pending_guid'] = null;
	update_comment_meta( $comment_id, 'moderato_guid', $guid );
}
add_action( 'wp_insert_comment', 'moderato_store_guid', 5, 2 );

/**
 * `rest_pre_insert_comment` filter, after Akismet's: hold a comment Moderato held.
 *
 * A comment posted through the REST API (`POST /wp-json/wp/v2/comments`) gets its status from
 * wp_allow_comment before Akismet checks it, and Akismet 5 changes it afterwards for spam
 * only: a comment Moderato holds for a moderator would be published. It waits instead, as one
 * from the comment form does.
 *
 * @param array|WP_Error $prepared The comment about to be inserted.
 * @return array|WP_Error
 */
function moderato_hold_rest_comment( $prepared ) {
	if ( is_array( $prepared ) && $GLOBALS['moderato_last_check_held'] && isset( $prepared['comment_approved'] ) && 1 === (int) $prepared['comment_approved'] && ! current_user_can( 'moderate_comments' ) ) {
		$prepared['comment_approved'] = 0;
	}
	return $prepared;
}
add_filter( 'rest_pre_insert_comment', 'moderato_hold_rest_comment', 20 );

/**
 * The id of the comment Moderato knows by `$guid`, or 0. Any status (get_comments leaves
 * spam and trash out of 'all').
 *
 * @param string $guid The guid.
 */
function moderato_comment_by_guid( $guid ) {
	global $wpdb;
	$found = $wpdb->get_var( $wpdb->prepare( "SELECT comment_id FROM {$wpdb->commentmeta} WHERE meta_key = 'moderato_guid' AND meta_value = %s ORDER BY meta_id LIMIT 1", $guid ) );
	return (int) $found;
}
