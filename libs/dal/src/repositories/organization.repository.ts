import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { NamespaceLookup } from '@app/core';
import { OrganizationEntity } from '../entities/organization.entity';
import { applyKeyset, KeysetPage } from './keyset';
import { createEventSequence } from './event.repository';
import { managerOf, Transaction } from '../unit-of-work/transaction';

/** Organizations themselves: the tenants. Only platform admins reach these methods. */
@Injectable()
export class OrganizationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(organization: OrganizationEntity, tx: Transaction): Promise<void> {
    const manager = managerOf(tx, this.dataSource);
    await manager.getRepository(OrganizationEntity).insert(organization);
    await createEventSequence(manager, organization.id);
  }

  async findById(organizationId: string, tx?: Transaction): Promise<OrganizationEntity | null> {
    const manager = managerOf(tx, this.dataSource);
    return manager.getRepository(OrganizationEntity).findOne({ where: { id: organizationId } });
  }

  async exists(organizationId: string): Promise<boolean> {
    return (await this.findById(organizationId)) !== null;
  }

  /** Oldest first; `limit + 1` rows. */
  async list(page: KeysetPage): Promise<OrganizationEntity[]> {
    const query = this.dataSource.getRepository(OrganizationEntity).createQueryBuilder('o');
    return applyKeyset(query, 'o', page).getMany();
  }

  /**
   * The organization a registry namespace names: the one that chose it, or the one whose default
   * it is (while it has not chosen another).
   */
  async findByRegistryNamespace(lookup: NamespaceLookup): Promise<OrganizationEntity | null> {
    const organizations = this.dataSource.getRepository(OrganizationEntity);
    if (lookup.kind === 'chosen') {
      return organizations.findOne({ where: { registryNamespace: lookup.namespace } });
    }
    if (lookup.kind === 'default') {
      return organizations.findOne({
        where: { id: lookup.organizationId, registryNamespace: IsNull() },
      });
    }
    return null;
  }

  /** The organization's registry settings (a taken namespace is a unique violation). */
  async updateRegistrySettings(
    organizationId: string,
    settings: Pick<OrganizationEntity, 'registryNamespace' | 'publicCatalog'>,
    tx: Transaction,
  ): Promise<void> {
    const manager = managerOf(tx, this.dataSource);
    await manager.getRepository(OrganizationEntity).update({ id: organizationId }, settings);
  }

  /** Deletes the organization; its keys, teams and grants go with it (foreign key cascades). */
  async delete(organizationId: string, tx: Transaction): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const result = await manager.getRepository(OrganizationEntity).delete({ id: organizationId });
    return (result.affected ?? 0) > 0;
  }
}
