import { IsWebhookActive, IsWebhookTypes, IsWebhookUrl } from './webhook-fields';

/** PUT replaces what a subscription is: `types` left out means every type, `active` true. */
export class UpdateWebhookDto {
  @IsWebhookUrl()
  url!: string;

  @IsWebhookTypes()
  types?: string[];

  @IsWebhookActive()
  active?: boolean;
}
