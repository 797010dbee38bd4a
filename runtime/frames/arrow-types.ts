/**
 * The Arrow side of the wire format, as the Go SDK writes it (data/arrow.go):
 *
 * - schema metadata: `name` and `refId` always (empty strings included), `meta` (FrameMeta JSON)
 *   when the frame has meta; field metadata: `tstype` always, `labels` and `config` (JSON) when set.
 *   Go's arrow.MetadataFrom sorts keys, so they are written in sorted order here too.
 * - Arrow field name = frame field name; nullable = the field's nullability.
 * - types: the integer and float types of the same width, Utf8 for string, Bool, Binary (JSON text)
 *   for json, Timestamp(nanosecond, no time zone) for time, and Uint16 for enum, which only the
 *   `tstype: "enum"` hint tells apart from a uint16 field.
 */
import type { DataType, TimeUnit } from "apache-arrow";
import { arrowLib } from "./arrow-lib.js";
import type { FieldType } from "./field-type.js";

export const META_NAME = "name";
export const META_REF_ID = "refId";
export const META_FRAME_META = "meta";
export const META_TSTYPE = "tstype";
export const META_LABELS = "labels";
export const META_CONFIG = "config";

/** The Arrow type Go writes for a field type. */
export function arrowTypeFor(type: FieldType): DataType {
  const {
    Binary,
    Bool,
    Float32,
    Float64,
    Int16,
    Int32,
    Int64,
    Int8,
    TimestampNanosecond,
    Uint16,
    Uint32,
    Uint64,
    Uint8,
    Utf8,
  } = arrowLib();
  switch (type) {
    case "int8":
      return new Int8();
    case "int16":
      return new Int16();
    case "int32":
      return new Int32();
    case "int64":
      return new Int64();
    case "uint8":
      return new Uint8();
    case "uint16":
    case "enum":
      return new Uint16();
    case "uint32":
      return new Uint32();
    case "uint64":
      return new Uint64();
    case "float32":
      return new Float32();
    case "float64":
      return new Float64();
    case "string":
      return new Utf8();
    case "bool":
      return new Bool();
    case "time":
      return new TimestampNanosecond(null);
    case "json":
      return new Binary();
  }
}

/**
 * Nanoseconds per unit of an Arrow timestamp column, by the TimeUnit's value (the Arrow format's:
 * SECOND, MILLISECOND, MICROSECOND, NANOSECOND), spelled out so reading it needs no apache-arrow.
 */
export const NANOS_PER_UNIT: Record<TimeUnit, bigint> = [1_000_000_000n, 1_000_000n, 1_000n, 1n];

/**
 * The field type for an Arrow column, or undefined for a type the Go SDK cannot decode either.
 * LargeUtf8 is accepted as string (Go reads Utf8 and Utf8View; the content is the same).
 */
export function fieldTypeForArrow(
  type: DataType,
  tstype: string | undefined,
): FieldType | undefined {
  const { Precision, Type } = arrowLib();
  switch (type.typeId) {
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      const name = `${isSigned ? "int" : "uint"}${bitWidth}` as FieldType;
      return name === "uint16" && tstype === "enum" ? "enum" : name;
    }
    case Type.Float: {
      const { precision } = type as unknown as { precision: number };
      if (precision === Precision.SINGLE) return "float32";
      if (precision === Precision.DOUBLE) return "float64";
      return undefined;
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return "string";
    case Type.Bool:
      return "bool";
    case Type.Timestamp:
      return "time";
    case Type.Binary:
      return "json";
    default:
      return undefined;
  }
}
