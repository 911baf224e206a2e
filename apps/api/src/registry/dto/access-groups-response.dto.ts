import { ApiProperty } from '@nestjs/swagger';

export class AccessGroupsResponseDto {
  @ApiProperty({
    type: [String],
    description: 'Sorted, distinct access groups of the servers this key can see.',
  })
  access_groups!: string[];
}
