import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { utcDate } from './timestamp.transformer';

@Index('uq_organizations_registry_namespace', ['registryNamespace'], { unique: true })
@Entity('organizations')
export class OrganizationEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, transformer: utcDate })
  createdAt!: Date;

  /**
   * The namespace the organization chose for the official registry API (`com.acme`); null while
   * it uses the default derived from its id (libs/core registry-namespace).
   */
  @Column({ name: 'registry_namespace', type: 'varchar', length: 100, nullable: true })
  registryNamespace!: string | null;

  /** Whether the servers marked `catalog_public` are served without an API key. */
  @Column({ name: 'public_catalog', type: 'boolean', default: false })
  publicCatalog!: boolean;
}
