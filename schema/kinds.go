package schema

// Kind identifies the sort of an Incompatibility. Its values are stable:
// scripts may match on them. Where the registry reports a named error type
// the Kind has the same name; the names of each format are listed in
// docs/schemas.md with the rule that produces them.
type Kind string

// Avro kinds: the names of Apache Avro's SchemaIncompatibilityType, which the
// registry reports for Avro.
const (
	// AvroNameMismatch: a reader record, enum or fixed has another name than
	// the writer's and none of its aliases is the writer's full name.
	AvroNameMismatch Kind = "NAME_MISMATCH"
	// AvroFixedSizeMismatch: reader and writer fixed types differ in size.
	AvroFixedSizeMismatch Kind = "FIXED_SIZE_MISMATCH"
	// AvroMissingEnumSymbols: the writer's enum has symbols the reader's
	// lacks and the reader's enum has no default.
	AvroMissingEnumSymbols Kind = "MISSING_ENUM_SYMBOLS"
	// AvroReaderFieldMissingDefaultValue: a reader field is absent from the
	// writer's record (by name and the reader field's aliases) and has no
	// default.
	AvroReaderFieldMissingDefaultValue Kind = "READER_FIELD_MISSING_DEFAULT_VALUE"
	// AvroTypeMismatch: the reader's type cannot read the writer's, and no
	// promotion (int→long→float→double, string↔bytes) applies.
	AvroTypeMismatch Kind = "TYPE_MISMATCH"
	// AvroMissingUnionBranch: a writer union branch (or the writer's
	// non-union type) matches no branch of the reader's union.
	AvroMissingUnionBranch Kind = "MISSING_UNION_BRANCH"
)

// JSON Schema kinds. The reader must accept every document the writer
// accepts; each kind names the change from the writer's schema to the
// reader's that breaks this, after the registry's JSON Schema difference
// types.
const (
	// JSONTypeNarrowed: the reader accepts fewer JSON types than the writer
	// (number to integer, dropping "null", adding a type where there was
	// none, a false schema).
	JSONTypeNarrowed Kind = "TYPE_NARROWED"
	// JSONTypeChanged: the reader's types and the writer's differ otherwise.
	JSONTypeChanged Kind = "TYPE_CHANGED"
	// JSONMaxLengthAdded: the reader adds maxLength.
	JSONMaxLengthAdded Kind = "MAX_LENGTH_ADDED"
	// JSONMaxLengthDecreased: the reader lowers maxLength.
	JSONMaxLengthDecreased Kind = "MAX_LENGTH_DECREASED"
	// JSONMinLengthAdded: the reader adds minLength.
	JSONMinLengthAdded Kind = "MIN_LENGTH_ADDED"
	// JSONMinLengthIncreased: the reader raises minLength.
	JSONMinLengthIncreased Kind = "MIN_LENGTH_INCREASED"
	// JSONPatternAdded: the reader adds a pattern.
	JSONPatternAdded Kind = "PATTERN_ADDED"
	// JSONPatternChanged: the reader's pattern differs from the writer's.
	JSONPatternChanged Kind = "PATTERN_CHANGED"
	// JSONMaximumAdded: the reader adds an inclusive upper bound.
	JSONMaximumAdded Kind = "MAXIMUM_ADDED"
	// JSONMaximumDecreased: the reader lowers the upper bound.
	JSONMaximumDecreased Kind = "MAXIMUM_DECREASED"
	// JSONMinimumAdded: the reader adds an inclusive lower bound.
	JSONMinimumAdded Kind = "MINIMUM_ADDED"
	// JSONMinimumIncreased: the reader raises the lower bound.
	JSONMinimumIncreased Kind = "MINIMUM_INCREASED"
	// JSONExclusiveMaximumAdded: the reader adds an exclusive upper bound, or
	// makes the writer's bound exclusive.
	JSONExclusiveMaximumAdded Kind = "EXCLUSIVE_MAXIMUM_ADDED"
	// JSONExclusiveMaximumDecreased: the reader lowers an exclusive upper
	// bound.
	JSONExclusiveMaximumDecreased Kind = "EXCLUSIVE_MAXIMUM_DECREASED"
	// JSONExclusiveMinimumAdded: the reader adds an exclusive lower bound, or
	// makes the writer's bound exclusive.
	JSONExclusiveMinimumAdded Kind = "EXCLUSIVE_MINIMUM_ADDED"
	// JSONExclusiveMinimumIncreased: the reader raises an exclusive lower
	// bound.
	JSONExclusiveMinimumIncreased Kind = "EXCLUSIVE_MINIMUM_INCREASED"
	// JSONMultipleOfAdded: the reader adds multipleOf.
	JSONMultipleOfAdded Kind = "MULTIPLE_OF_ADDED"
	// JSONMultipleOfExpanded: the reader's multipleOf is a multiple of the
	// writer's (2 to 4).
	JSONMultipleOfExpanded Kind = "MULTIPLE_OF_EXPANDED"
	// JSONMultipleOfChanged: the writer's multipleOf is not a multiple of the
	// reader's (2 to 3).
	JSONMultipleOfChanged Kind = "MULTIPLE_OF_CHANGED"
	// JSONRequiredAttributeAdded: the reader requires a property the writer
	// does not require.
	JSONRequiredAttributeAdded Kind = "REQUIRED_ATTRIBUTE_ADDED"
	// JSONMaxPropertiesAdded: the reader adds maxProperties.
	JSONMaxPropertiesAdded Kind = "MAX_PROPERTIES_ADDED"
	// JSONMaxPropertiesDecreased: the reader lowers maxProperties.
	JSONMaxPropertiesDecreased Kind = "MAX_PROPERTIES_DECREASED"
	// JSONMinPropertiesAdded: the reader adds minProperties.
	JSONMinPropertiesAdded Kind = "MIN_PROPERTIES_ADDED"
	// JSONMinPropertiesIncreased: the reader raises minProperties.
	JSONMinPropertiesIncreased Kind = "MIN_PROPERTIES_INCREASED"
	// JSONAdditionalPropertiesRemoved: the writer's content model is open
	// (additionalProperties absent or true) and the reader's is closed
	// (false).
	JSONAdditionalPropertiesRemoved Kind = "ADDITIONAL_PROPERTIES_REMOVED"
	// JSONAdditionalPropertiesNarrowed: the reader's additionalProperties (or
	// patternProperties) accept less than the writer's.
	JSONAdditionalPropertiesNarrowed Kind = "ADDITIONAL_PROPERTIES_NARROWED"
	// JSONPropertyAddedToOpenContentModel: the reader declares a property
	// the writer did not, while the writer's content model is open: old data
	// may hold any value under that name.
	JSONPropertyAddedToOpenContentModel Kind = "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
	// JSONPropertyAddedNotCoveredByPartiallyOpenContentModel: the reader
	// declares a property the writer did not, and the writer's
	// additionalProperties or patternProperties schema for that name accepts
	// values the reader's property schema rejects.
	JSONPropertyAddedNotCoveredByPartiallyOpenContentModel Kind = "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	// JSONPropertyRemovedFromClosedContentModel: the reader drops a property
	// of the writer's and its content model is closed: the property is no
	// longer allowed.
	JSONPropertyRemovedFromClosedContentModel Kind = "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	// JSONPropertyRemovedNotCoveredByPartiallyOpenContentModel: the reader
	// drops a property of the writer's and its additionalProperties or
	// patternProperties schema for that name rejects values the writer's
	// property schema accepts.
	JSONPropertyRemovedNotCoveredByPartiallyOpenContentModel Kind = "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	// JSONDependencyArrayAdded: the reader adds a property dependency
	// (dependencies or dependentRequired with a list of names).
	JSONDependencyArrayAdded Kind = "DEPENDENCY_ARRAY_ADDED"
	// JSONDependencyArrayExtended: the reader's property dependency names
	// more properties than the writer's.
	JSONDependencyArrayExtended Kind = "DEPENDENCY_ARRAY_EXTENDED"
	// JSONDependencySchemaAdded: the reader adds a schema dependency
	// (dependencies or dependentSchemas with a schema).
	JSONDependencySchemaAdded Kind = "DEPENDENCY_SCHEMA_ADDED"
	// JSONMaxItemsAdded: the reader adds maxItems.
	JSONMaxItemsAdded Kind = "MAX_ITEMS_ADDED"
	// JSONMaxItemsDecreased: the reader lowers maxItems.
	JSONMaxItemsDecreased Kind = "MAX_ITEMS_DECREASED"
	// JSONMinItemsAdded: the reader adds minItems.
	JSONMinItemsAdded Kind = "MIN_ITEMS_ADDED"
	// JSONMinItemsIncreased: the reader raises minItems.
	JSONMinItemsIncreased Kind = "MIN_ITEMS_INCREASED"
	// JSONUniqueItemsAdded: the reader adds uniqueItems: true.
	JSONUniqueItemsAdded Kind = "UNIQUE_ITEMS_ADDED"
	// JSONAdditionalItemsRemoved: the writer's tuple is open (items after
	// the listed positions allowed) and the reader's is closed.
	JSONAdditionalItemsRemoved Kind = "ADDITIONAL_ITEMS_REMOVED"
	// JSONAdditionalItemsNarrowed: the reader's schema for items after the
	// listed positions accepts less than the writer's.
	JSONAdditionalItemsNarrowed Kind = "ADDITIONAL_ITEMS_NARROWED"
	// JSONItemAddedToOpenContentModel: the reader lists a tuple position the
	// writer did not, while the writer's tuple is open.
	JSONItemAddedToOpenContentModel Kind = "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
	// JSONItemAddedNotCoveredByPartiallyOpenContentModel: the reader lists a
	// tuple position the writer did not, and the writer's schema for extra
	// items accepts values the reader's position rejects.
	JSONItemAddedNotCoveredByPartiallyOpenContentModel Kind = "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	// JSONItemRemovedFromClosedContentModel: the reader drops a tuple
	// position of the writer's and no longer allows extra items.
	JSONItemRemovedFromClosedContentModel Kind = "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"
	// JSONItemRemovedNotCoveredByPartiallyOpenContentModel: the reader drops
	// a tuple position of the writer's and its schema for extra items
	// rejects values the writer's position accepts.
	JSONItemRemovedNotCoveredByPartiallyOpenContentModel Kind = "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
	// JSONEnumArrayNarrowed: the reader's enum (or const) lacks values the
	// writer allows, or the reader adds an enum where the writer had none.
	JSONEnumArrayNarrowed Kind = "ENUM_ARRAY_NARROWED"
	// JSONEnumArrayChanged: the reader's enum both lacks writer values and
	// has new ones.
	JSONEnumArrayChanged Kind = "ENUM_ARRAY_CHANGED"
	// JSONCombinedTypeChanged: the combinator changed in a narrowing way
	// (anyOf to oneOf, allOf to a sum or back).
	JSONCombinedTypeChanged Kind = "COMBINED_TYPE_CHANGED"
	// JSONProductTypeExtended: the reader's allOf has more subschemas than
	// the writer's and one of them is not implied by the writer's.
	JSONProductTypeExtended Kind = "PRODUCT_TYPE_EXTENDED"
	// JSONSumTypeNarrowed: the reader's oneOf/anyOf has fewer subschemas than
	// the writer's and one of the writer's is accepted by none of the
	// reader's.
	JSONSumTypeNarrowed Kind = "SUM_TYPE_NARROWED"
	// JSONCombinedTypeSubschemasChanged: a writer subschema of a
	// oneOf/anyOf (or a reader subschema of an allOf) has no compatible
	// counterpart.
	JSONCombinedTypeSubschemasChanged Kind = "COMBINED_TYPE_SUBSCHEMAS_CHANGED"
	// JSONNotTypeExtended: the reader's "not" excludes values the writer's
	// does not.
	JSONNotTypeExtended Kind = "NOT_TYPE_EXTENDED"
)

// Protobuf kinds, after the registry's Protobuf difference types. Fields
// are matched by number, messages by name relative to the package.
const (
	// ProtoPackageChanged: the package differs.
	ProtoPackageChanged Kind = "PACKAGE_CHANGED"
	// ProtoMessageRemoved: a message of the writer's file is missing from
	// the reader's (renamed, removed, or only added by the writer).
	ProtoMessageRemoved Kind = "MESSAGE_REMOVED"
	// ProtoFieldKindChanged: a field changed between scalar (or enum) and
	// message.
	ProtoFieldKindChanged Kind = "FIELD_KIND_CHANGED"
	// ProtoFieldScalarKindChanged: a scalar field changed to a type outside
	// its wire-compatible group.
	ProtoFieldScalarKindChanged Kind = "FIELD_SCALAR_KIND_CHANGED"
	// ProtoFieldNamedTypeChanged: a message field changed to another message
	// type.
	ProtoFieldNamedTypeChanged Kind = "FIELD_NAMED_TYPE_CHANGED"
	// ProtoFieldNumericLabelChanged: a numeric, bool or enum field changed
	// between singular and repeated.
	ProtoFieldNumericLabelChanged Kind = "FIELD_NUMERIC_LABEL_CHANGED"
	// ProtoRequiredFieldAdded: the reader has a proto2 required field the
	// writer does not write as required.
	ProtoRequiredFieldAdded Kind = "REQUIRED_FIELD_ADDED"
	// ProtoRequiredFieldRemoved: a proto2 required field of the writer's is
	// missing from the reader's message.
	ProtoRequiredFieldRemoved Kind = "REQUIRED_FIELD_REMOVED"
	// ProtoOneofFieldRemoved: a field of one of the writer's oneofs is
	// missing from the reader's message or no longer in a oneof.
	ProtoOneofFieldRemoved Kind = "ONEOF_FIELD_REMOVED"
	// ProtoMultipleFieldsMovedToOneof: a reader oneof holds two or more
	// fields the writer had outside any oneof (or in different oneofs): old
	// data may set several of them.
	ProtoMultipleFieldsMovedToOneof Kind = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
	// ProtoFieldMovedToExistingOneof: a field the writer had outside any
	// oneof is in a reader oneof that already existed.
	ProtoFieldMovedToExistingOneof Kind = "FIELD_MOVED_TO_EXISTING_ONEOF"
)

// kindsByFormat lists the kinds each format reports, for KindsOf.
var kindsByFormat = map[Format][]Kind{
	Avro: {AvroNameMismatch, AvroFixedSizeMismatch, AvroMissingEnumSymbols, AvroReaderFieldMissingDefaultValue,
		AvroTypeMismatch, AvroMissingUnionBranch},
	JSON: {JSONTypeNarrowed, JSONTypeChanged, JSONMaxLengthAdded, JSONMaxLengthDecreased, JSONMinLengthAdded,
		JSONMinLengthIncreased, JSONPatternAdded, JSONPatternChanged, JSONMaximumAdded, JSONMaximumDecreased,
		JSONMinimumAdded, JSONMinimumIncreased, JSONExclusiveMaximumAdded, JSONExclusiveMaximumDecreased,
		JSONExclusiveMinimumAdded, JSONExclusiveMinimumIncreased, JSONMultipleOfAdded, JSONMultipleOfExpanded,
		JSONMultipleOfChanged, JSONRequiredAttributeAdded, JSONMaxPropertiesAdded, JSONMaxPropertiesDecreased,
		JSONMinPropertiesAdded, JSONMinPropertiesIncreased, JSONAdditionalPropertiesRemoved,
		JSONAdditionalPropertiesNarrowed, JSONPropertyAddedToOpenContentModel,
		JSONPropertyAddedNotCoveredByPartiallyOpenContentModel, JSONPropertyRemovedFromClosedContentModel,
		JSONPropertyRemovedNotCoveredByPartiallyOpenContentModel, JSONDependencyArrayAdded,
		JSONDependencyArrayExtended, JSONDependencySchemaAdded, JSONMaxItemsAdded, JSONMaxItemsDecreased,
		JSONMinItemsAdded, JSONMinItemsIncreased, JSONUniqueItemsAdded, JSONAdditionalItemsRemoved,
		JSONAdditionalItemsNarrowed, JSONItemAddedToOpenContentModel,
		JSONItemAddedNotCoveredByPartiallyOpenContentModel, JSONItemRemovedFromClosedContentModel,
		JSONItemRemovedNotCoveredByPartiallyOpenContentModel, JSONEnumArrayNarrowed, JSONEnumArrayChanged,
		JSONCombinedTypeChanged, JSONProductTypeExtended, JSONSumTypeNarrowed, JSONCombinedTypeSubschemasChanged,
		JSONNotTypeExtended},
	Protobuf: {ProtoPackageChanged, ProtoMessageRemoved, ProtoFieldKindChanged, ProtoFieldScalarKindChanged,
		ProtoFieldNamedTypeChanged, ProtoFieldNumericLabelChanged, ProtoRequiredFieldAdded,
		ProtoRequiredFieldRemoved, ProtoOneofFieldRemoved, ProtoMultipleFieldsMovedToOneof,
		ProtoFieldMovedToExistingOneof},
}

// KindsOf returns the kinds Check may report for the format, in the order of
// their declaration; nil for an unknown format.
func KindsOf(format Format) []Kind {
	return append([]Kind(nil), kindsByFormat[format]...)
}
