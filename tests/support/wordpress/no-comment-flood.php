<?php
/**
 * Plugin Name: Test harness: no comment flood limit
 * Description: Every test comment comes from 127.0.0.1 within seconds, which WordPress would
 * refuse as a flood ("You are posting comments too quickly"). Tests only.
 */
add_filter( 'comment_flood_filter', '__return_false', 100 );
