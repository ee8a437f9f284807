/**
 * The per-channel failure metric: counted once per failed delivery on a stage's channel, with the channel's
 * name as the `Channel` dimension (shared/observability.ts), and watched by one ops alarm per channel
 * (infra/constructs/monitoring.ts). A module of its own so that both import it without the schemas.
 */
export const CHANNEL_FAILURE_METRIC = 'ChannelDeliveryFailed';
export const CHANNEL_DIMENSION = 'Channel';
