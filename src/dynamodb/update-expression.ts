export interface UpdateParts {
  /** `SET name = value` */
  readonly set?: Readonly<Record<string, unknown>>;
  /** `SET name = if_not_exists(name, value)`: only for a new item. */
  readonly setIfAbsent?: Readonly<Record<string, unknown>>;
  /** `SET name = name + 1` */
  readonly increment?: readonly string[];
  /** `REMOVE name` */
  readonly remove?: readonly string[];
  /** A condition over `#name` and `:value` placeholders given in `names` and `values`. */
  readonly condition?: {
    readonly expression: string;
    readonly names?: Readonly<Record<string, string>>;
    readonly values?: Readonly<Record<string, unknown>>;
  };
}

export interface UpdateExpression {
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * Builds an UpdateItem expression with placeholders for every attribute name
 * and value, so no attribute can collide with a DynamoDB reserved word.
 *
 * @example buildUpdate({ set: { admin: { state: 'draining' } }, condition: { expression: 'attribute_exists(#pk)', names: { '#pk': 'pk' } } })
 */
export function buildUpdate(parts: UpdateParts): UpdateExpression {
  const names: Record<string, string> = { ...parts.condition?.names };
  const values: Record<string, unknown> = { ...parts.condition?.values };
  let n = 0;
  const name = (attribute: string) => {
    const placeholder = `#u${n++}`;
    names[placeholder] = attribute;
    return placeholder;
  };
  const value = (v: unknown) => {
    const placeholder = `:u${n++}`;
    values[placeholder] = v;
    return placeholder;
  };
  const sets = [
    ...Object.entries(parts.set ?? {}).map(([attribute, v]) => `${name(attribute)} = ${value(v)}`),
    ...Object.entries(parts.setIfAbsent ?? {}).map(([attribute, v]) => {
      const placeholder = name(attribute);
      return `${placeholder} = if_not_exists(${placeholder}, ${value(v)})`;
    }),
    ...(parts.increment ?? []).map((attribute) => {
      const placeholder = name(attribute);
      return `${placeholder} = ${placeholder} + ${value(1)}`;
    }),
  ];
  const removes = (parts.remove ?? []).map(name);
  const clauses = [
    sets.length > 0 && `SET ${sets.join(', ')}`,
    removes.length > 0 && `REMOVE ${removes.join(', ')}`,
  ];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ...(parts.condition && { ConditionExpression: parts.condition.expression }),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
  };
}
