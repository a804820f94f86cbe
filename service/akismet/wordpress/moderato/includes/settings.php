<?php
/**
 * Moderato's settings: where Moderato is, the site's keys, the webhook secret and what a
 * rejection becomes in WordPress. Each of the first four is a constant in wp-config.php or an
 * option on the settings page (Settings → Moderato); the constant wins.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const MODERATO_SETTINGS = array(
	// option name => constant name
	'moderato_url'            => 'MODERATO_URL',
	'moderato_site_key'       => 'MODERATO_SITE_KEY',
	'moderato_akismet_key'    => 'MODERATO_AKISMET_KEY',
	'moderato_webhook_secret' => 'MODERATO_WEBHOOK_SECRET',
);
const MODERATO_SECRET_SETTINGS = array( 'moderato_site_key', 'moderato_akismet_key', 'moderato_webhook_secret' );
const MODERATO_REJECT_REASONS  = array( 'spam', 'abuse', 'off_topic', 'illegal', 'other' );
const MODERATO_REJECT_STATUSES = array( 'spam', 'trash', 'hold' );

/**
 * A setting's value: its constant if defined, else its option ('' when neither is set).
 *
 * @param string $option One of MODERATO_SETTINGS' option names.
 */
function moderato_setting( $option ) {
	$constant = MODERATO_SETTINGS[ $option ];
	$value    = defined( $constant ) ? constant( $constant ) : get_option( $option, '' );
	return trim( (string) $value );
}

/** Moderato's URL without a trailing slash, or ''. */
function moderato_url() {
	return rtrim( moderato_setting( 'moderato_url' ), '/' );
}

/**
 * The WordPress status a rejection for `$reason` becomes: the site's choice, by default spam
 * for spam and the trash for every other reason.
 *
 * @param string|null $reason Moderato's reject reason.
 * @return string 'spam', 'trash' or 'hold'.
 */
function moderato_rejected_status( $reason ) {
	$mapping = get_option( 'moderato_status_map', array() );
	if ( is_array( $mapping ) && isset( $mapping[ $reason ] ) && in_array( $mapping[ $reason ], MODERATO_REJECT_STATUSES, true ) ) {
		return $mapping[ $reason ];
	}
	return 'spam' === $reason ? 'spam' : 'trash';
}

/**
 * `akismet_get_api_key` filter: the Akismet key from Moderato's settings, when one is set, so
 * it need not be typed into Akismet's own settings page as well.
 *
 * @param string|false $key The key Akismet found (WPCOM_API_KEY or its option).
 */
function moderato_akismet_api_key( $key ) {
	$ours = moderato_setting( 'moderato_akismet_key' );
	return '' !== $ours ? $ours : $key;
}
add_filter( 'akismet_get_api_key', 'moderato_akismet_api_key' );

/** Register the options with their sanitisers (the Settings API checks nonce and rights). */
function moderato_register_settings() {
	register_setting( 'moderato', 'moderato_url', array( 'type' => 'string', 'sanitize_callback' => 'esc_url_raw', 'default' => '' ) );
	foreach ( MODERATO_SECRET_SETTINGS as $option ) {
		register_setting(
			'moderato',
			$option,
			array(
				'type'              => 'string',
				'default'           => '',
				'sanitize_callback' => function ( $value ) use ( $option ) {
					return moderato_sanitize_secret( $option, $value );
				},
			)
		);
	}
	register_setting( 'moderato', 'moderato_status_map', array( 'type' => 'array', 'sanitize_callback' => 'moderato_sanitize_status_map', 'default' => array() ) );
}
add_action( 'admin_init', 'moderato_register_settings' );

/**
 * A secret from the form: an empty field keeps the stored one (secrets are never shown).
 *
 * @param string $option The option.
 * @param mixed  $value  What the form sent.
 */
function moderato_sanitize_secret( $option, $value ) {
	$value = trim( sanitize_text_field( (string) $value ) );
	return '' === $value ? (string) get_option( $option, '' ) : $value;
}

/**
 * The status mapping from the form: only known reasons and statuses.
 *
 * @param mixed $value What the form sent.
 */
function moderato_sanitize_status_map( $value ) {
	$clean = array();
	foreach ( MODERATO_REJECT_REASONS as $reason ) {
		if ( is_array( $value ) && isset( $value[ $reason ] ) && in_array( $value[ $reason ], MODERATO_REJECT_STATUSES, true ) ) {
			$clean[ $reason ] = $value[ $reason ];
		}
	}
	return $clean;
}

/** Settings → Moderato. */
function moderato_add_settings_page() {
	add_options_page( 'Moderato', 'Moderato', 'manage_options', 'moderato', 'moderato_render_settings_page' );
}
add_action( 'admin_menu', 'moderato_add_settings_page' );

/** The settings page: the four settings and the mapping of reject reasons. */
function moderato_render_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$labels = array(
		'moderato_url'            => __( "Moderato's URL", 'moderato' ),
		'moderato_site_key'       => __( 'Site key', 'moderato' ),
		'moderato_akismet_key'    => __( 'Akismet key', 'moderato' ),
		'moderato_webhook_secret' => __( 'Webhook secret', 'moderato' ),
	);
	echo '<div class="wrap"><h1>Moderato</h1>';
	echo '<p>' . esc_html__( 'Events from Moderato arrive at:', 'moderato' ) . ' <code>' . esc_html( rest_url( 'moderato/v1/events' ) ) . '</code></p>';
	echo '<form method="post" action="options.php">';
	settings_fields( 'moderato' );
	echo '<table class="form-table" role="presentation">';
	foreach ( $labels as $option => $label ) {
		$constant = MODERATO_SETTINGS[ $option ];
		$secret   = in_array( $option, MODERATO_SECRET_SETTINGS, true );
		echo '<tr><th scope="row"><label for="' . esc_attr( $option ) . '">' . esc_html( $label ) . '</label></th><td>';
		if ( defined( $constant ) ) {
			/* translators: %s: a constant's name */
			echo esc_html( sprintf( __( 'Set in wp-config.php (%s).', 'moderato' ), $constant ) );
		} elseif ( $secret ) {
			$set = '' !== (string) get_option( $option, '' );
			echo '<input type="password" class="regular-text" autocomplete="off" id="' . esc_attr( $option ) . '" name="' . esc_attr( $option ) . '" value="" placeholder="' . esc_attr( $set ? __( '(saved; type to replace)', 'moderato' ) : '' ) . '">';
		} else {
			echo '<input type="url" class="regular-text" id="' . esc_attr( $option ) . '" name="' . esc_attr( $option ) . '" value="' . esc_attr( get_option( $option, '' ) ) . '">';
		}
		echo '</td></tr>';
	}
	echo '</table><h2>' . esc_html__( 'A rejection in Moderato becomes', 'moderato' ) . '</h2><table class="form-table" role="presentation">';
	$names = array(
		'spam'  => __( 'Spam', 'moderato' ),
		'trash' => __( 'Trash', 'moderato' ),
		'hold'  => __( 'Pending', 'moderato' ),
	);
	foreach ( MODERATO_REJECT_REASONS as $reason ) {
		$current = moderato_rejected_status( $reason );
		echo '<tr><th scope="row">' . esc_html( $reason ) . '</th><td><select name="moderato_status_map[' . esc_attr( $reason ) . ']">';
		foreach ( $names as $status => $name ) {
			echo '<option value="' . esc_attr( $status ) . '"' . selected( $current, $status, false ) . '>' . esc_html( $name ) . '</option>';
		}
		echo '</select></td></tr>';
	}
	echo '</table>';
	submit_button();
	echo '</form></div>';
}
