import { ApiProperty } from '@nestjs/swagger';
import { ApiKeyResponseDto } from './api-key-response.dto';

/** Create and rotate only: the key with its secret, shown this once. */
export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  @ApiProperty({
    example: 'ak_Xy3kP9aQ...',
    description: 'The secret (ak_ + 40 URL-safe characters). Returned only now; store it.',
  })
  key!: string;
}
