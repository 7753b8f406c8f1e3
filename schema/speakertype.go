package schema

import (
	"github.com/graphql-go/graphql"

	"github.com/graphd/graphd/graph"
)

// speakerTypeEnum is the SpeakerType enum: what kind of entity a speaker
// is.
func speakerTypeEnum() *graphql.Enum {
	return graphql.NewEnum(graphql.EnumConfig{
		Name:        "SpeakerType",
		Description: "What kind of entity is quoted.",
		Values: graphql.EnumValueConfigMap{
			"PERSON":       &graphql.EnumValueConfig{Value: graph.SpeakerPerson, Description: "A person; also every speaker stored before speakers had types."},
			"ORGANIZATION": &graphql.EnumValueConfig{Value: graph.SpeakerOrganization, Description: "A company, a newspaper, a government body, a campaign, or a country or city acting as one."},
			"GROUP":        &graphql.EnumValueConfig{Value: graph.SpeakerGroup, Description: "Several people or organisations speaking together."},
			"PLACE":        &graphql.EnumValueConfig{Value: graph.SpeakerPlace},
			"DOCUMENT":     &graphql.EnumValueConfig{Value: graph.SpeakerDocument, Description: "A poll, report, ad or other document, under the name of its publisher."},
			"GENERIC":      &graphql.EnumValueConfig{Value: graph.SpeakerGeneric, Description: "No one in particular: a quotation with no speaker."},
		},
	})
}

// typeArg is the argument that selects speakers, or the quotations of
// speakers, of some types.
func typeArg(enum *graphql.Enum, what string) *graphql.ArgumentConfig {
	return &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(enum)), Description: what + " of any of these types."}
}

// speakerTypes reads a type argument; GraphQL has checked its values.
func speakerTypes(args map[string]any) []string {
	raw, _ := args["type"].([]any)
	var out []string
	for _, v := range raw {
		if t, ok := v.(string); ok {
			out = append(out, t)
		}
	}
	return out
}
