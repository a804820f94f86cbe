<?php
/**
 * The test harness's way into a WordPress installation from the command line, through
 * WordPress's own functions (no wp-cli). Run as
 *   WORDPRESS_CONFIG=NAME HTTP_HOST=127.0.0.1:PORT php harness.php COMMAND [ARGS...]
 * It prints one JSON document on success; on failure a message on stderr and exit status 1.
 *
 * Commands:
 *   install TITLE ADMIN PASSWORD EMAIL LOCALE   wp_install(), then settings the tests rely on
 *   activate PLUGIN                             activate_plugin(), e.g. akismet/akismet.php
 *   comments TEXT                               the comments whose content contains TEXT, with their Akismet meta
 *   recheck                                     run Akismet's scheduled re-check of held comments now
 *   option NAME                                 get_option(NAME)
 *   set-option NAME VALUE                       update_option(NAME, VALUE)
 *   set-option-json NAME JSON                   update_option(NAME, the decoded JSON), e.g. an array
 *   akismet-post PATH QUERY                     Akismet::http_post(QUERY, PATH): the plugin's own call
 *   remote-get URL                              wp_remote_get(URL): its body, or its error code
 *   permalinks STRUCTURE                        set the permalink structure (the REST API's /wp-json/)
 *   set-status ID STATUS USER                   as USER (a login), do what wp-admin's buttons do: approve, hold, spam, unspam, trash, untrash
 *   set-meta ID KEY VALUE                       update_comment_meta(ID, KEY, VALUE)
 *   run-hook HOOK                               do_action(HOOK), e.g. a WP-Cron event's hook, now
 *   scheduled HOOK                              wp_next_scheduled(HOOK)
 */

function harness_fail( $message ) {
	fwrite( STDERR, $message . "\n" );
	exit( 1 );
}

function harness_comment( $comment ) {
	$meta = function ( $key ) use ( $comment ) {
		return get_comment_meta( $comment->comment_ID, $key, true );
	};
	return array(
		'id'     => (int) $comment->comment_ID,
		'status' => wp_get_comment_status( $comment ),
		'meta'   => array(
			'akismet_result'      => $meta( 'akismet_result' ),
			'akismet_error'       => $meta( 'akismet_error' ),
			'akismet_user_result' => $meta( 'akismet_user_result' ),
			'akismet_history'     => get_comment_meta( $comment->comment_ID, 'akismet_history' ),
			'moderato_guid'       => $meta( 'moderato_guid' ),
			'moderato_version'    => $meta( 'moderato_version' ),
			'moderato_report'     => get_comment_meta( $comment->comment_ID, 'moderato_report' ),
		),
	);
}

$command = isset( $argv[1] ) ? $argv[1] : '';
if ( 'install' === $command ) {
	define( 'WP_INSTALLING', true );
}
require '/usr/share/wordpress/wp-load.php';

switch ( $command ) {
	case 'install':
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		list( , , $title, $admin, $password, $email, $locale ) = $argv;
		$installed = wp_install( $title, $admin, $email, true, '', wp_slash( $password ), $locale );
		// A first comment by a new author is published when Akismet clears it, as on a news
		// site that relies on its spam filter, not held because the author is new.
		update_option( 'comment_previously_approved', 0 );
		echo wp_json_encode( array( 'user_id' => $installed['user_id'], 'locale' => get_option( 'WPLANG' ) ) );
		break;

	case 'activate':
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		$result = activate_plugin( $argv[2] );
		if ( is_wp_error( $result ) ) {
			harness_fail( $result->get_error_message() );
		}
		echo wp_json_encode( array( 'active' => get_option( 'active_plugins' ) ) );
		break;

	case 'comments':
		// 'all' leaves spam and trash out: ask for them too.
		$found = array_merge(
			get_comments( array( 'search' => $argv[2], 'status' => 'all' ) ),
			get_comments( array( 'search' => $argv[2], 'status' => 'spam' ) ),
			get_comments( array( 'search' => $argv[2], 'status' => 'trash' ) )
		);
		// The search also looks at authors and addresses: keep the content matches only.
		$found = array_filter( $found, function ( $c ) use ( $argv ) {
			return false !== strpos( $c->comment_content, $argv[2] );
		} );
		echo wp_json_encode( array_values( array_map( 'harness_comment', $found ) ) );
		break;

	case 'recheck':
		// What WordPress's cron runs about 20 minutes after a check error (the hook
		// auto_check_comment schedules), run now instead of waiting.
		$scheduled = wp_next_scheduled( 'akismet_schedule_cron_recheck' );
		do_action( 'akismet_schedule_cron_recheck' );
		echo wp_json_encode( array( 'was_scheduled' => false !== $scheduled ) );
		break;

	case 'option':
		echo wp_json_encode( get_option( $argv[2] ) );
		break;

	case 'set-option':
		update_option( $argv[2], $argv[3] );
		echo wp_json_encode( get_option( $argv[2] ) );
		break;

	case 'set-option-json':
		update_option( $argv[2], json_decode( $argv[3], true ) );
		echo wp_json_encode( get_option( $argv[2] ) );
		break;

	case 'akismet-post':
		list( $headers, $body ) = Akismet::http_post( $argv[3], $argv[2] );
		$headers = is_object( $headers ) ? $headers->getAll() : $headers;
		echo wp_json_encode( array( 'headers' => $headers, 'body' => $body ) );
		break;

	case 'remote-get':
		$response = wp_remote_get( $argv[2] );
		echo wp_json_encode( is_wp_error( $response )
			? array( 'error' => $response->get_error_code() )
			: array( 'body' => wp_remote_retrieve_body( $response ) ) );
		break;

	case 'permalinks':
		global $wp_rewrite;
		$wp_rewrite->set_permalink_structure( $argv[2] );
		flush_rewrite_rules( false );
		echo wp_json_encode( get_option( 'permalink_structure' ) );
		break;

	case 'set-status':
		list( , , $id, $status, $login ) = $argv;
		$user = get_user_by( 'login', $login );
		if ( ! $user ) {
			harness_fail( "no user $login" );
		}
		wp_set_current_user( $user->ID );
		$actions = array(
			'approve' => function ( $id ) { return wp_set_comment_status( $id, 'approve' ); },
			'hold'    => function ( $id ) { return wp_set_comment_status( $id, 'hold' ); },
			'spam'    => 'wp_spam_comment',
			'unspam'  => 'wp_unspam_comment',
			'trash'   => 'wp_trash_comment',
			'untrash' => 'wp_untrash_comment',
		);
		if ( ! isset( $actions[ $status ] ) || ! call_user_func( $actions[ $status ], (int) $id ) ) {
			harness_fail( "could not $status comment $id" );
		}
		echo wp_json_encode( wp_get_comment_status( (int) $id ) );
		break; // WordPress's shutdown hook runs next, as at the end of a wp-admin request.

	case 'set-meta':
		update_comment_meta( (int) $argv[2], $argv[3], $argv[4] );
		echo wp_json_encode( get_comment_meta( (int) $argv[2], $argv[3], true ) );
		break;

	case 'run-hook':
		do_action( $argv[2] );
		echo wp_json_encode( true );
		break;

	case 'scheduled':
		echo wp_json_encode( wp_next_scheduled( $argv[2] ) );
		break;

	default:
		harness_fail( "unknown command: $command" );
}
