import type * as z from 'zod';

export interface CreateRequest<P> {
  /** ResourceProperties, validated by the resource's `properties` schema. */
  readonly properties: P;
  readonly requestId: string;
}

export interface UpdateRequest<P> extends CreateRequest<P> {
  readonly physicalResourceId: string;
  /** As last deployed; not validated, since they may predate the current schema. */
  readonly oldProperties: Readonly<Record<string, unknown>>;
}

export interface DeleteRequest {
  readonly physicalResourceId: string;
  /** Not validated: a resource must stay deletable whatever its properties say. */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly requestId: string;
}

/** What a successful Create or Update reports back to CloudFormation. */
export interface CustomResourceResult {
  /** Returning a different id from an Update replaces the resource: CloudFormation then deletes the old id. */
  readonly physicalResourceId: string;
  /** Attributes for `Fn::GetAtt`; the whole response body must stay under 4 KiB. */
  readonly data?: Readonly<Record<string, string>>;
  readonly noEcho?: boolean;
  /** Shown in the stack events beside SUCCESS. */
  readonly reason?: string;
}

export interface DeleteResult {
  readonly reason?: string;
}

/**
 * One kind of custom resource: what Create, Update and Delete do. Operations
 * throw to fail; the handler turns a throw into a FAILED response.
 */
export interface CustomResource<P> {
  /** Validates ResourceProperties (ServiceToken included) on Create and Update. */
  readonly properties: z.ZodType<P>;
  onCreate(request: CreateRequest<P>): Promise<CustomResourceResult>;
  onUpdate(request: UpdateRequest<P>): Promise<CustomResourceResult>;
  onDelete(request: DeleteRequest): Promise<DeleteResult>;
}
