// Part of the connector's custom code: build joins templates/script/ into script.csx.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

public partial class Script
{
    // ---- Record schema ------------------------------------------------------------------

    // Writable field types: the noun used in descriptions. Everything else (system fields,
    // CALC, STATUS, GROUP, REFERENCE_TABLE, future types) is left out of the record schema.
    private static readonly Dictionary<string, string> Nouns = new Dictionary<string, string>
    {
        { "SINGLE_LINE_TEXT", "Text field" },
        { "MULTI_LINE_TEXT", "Text area field" },
        { "RICH_TEXT", "Rich text field" },
        { "LINK", "Link field" },
        { "NUMBER", "Number field" },
        { "DATE", "Date field" },
        { "TIME", "Time field" },
        { "DATETIME", "Date and time field" },
        { "DROP_DOWN", "Drop-down field" },
        { "RADIO_BUTTON", "Radio button field" },
        { "CHECK_BOX", "Check box field" },
        { "MULTI_SELECT", "Multi-choice field" },
        { "USER_SELECT", "User selection field" },
        { "ORGANIZATION_SELECT", "Department selection field" },
        { "GROUP_SELECT", "Group selection field" },
        { "FILE", "Attachment field" },
        { "SUBTABLE", "Table" },
    };

    // Types whose value is one scalar: JSON type, JSON Schema format ("" for none), description.
    private static readonly Dictionary<string, string[]> Scalars = new Dictionary<string, string[]>
    {
        { "SINGLE_LINE_TEXT", new[] { "string", "", "One line of text." } },
        { "MULTI_LINE_TEXT", new[] { "string", "", "Text; it may span several lines." } },
        { "RICH_TEXT", new[] { "string", "", "Formatted text as HTML." } },
        { "NUMBER", new[] { "number", "", "A number, e.g. 42 or 3.5." } },
        { "DATE", new[] { "string", "date", "A date as YYYY-MM-DD." } },
        { "TIME", new[] { "string", "", "A time of day as HH:MM (24-hour clock)." } },
        { "DATETIME", new[] { "string", "date-time", "A date and time in ISO 8601, e.g. 2024-05-01T09:30:00Z." } },
    };

    // LINK protocol: JSON Schema format and description.
    private static readonly Dictionary<string, string[]> Links = new Dictionary<string, string[]>
    {
        { "WEB", new[] { "", "A web address (URL)." } },
        { "CALL", new[] { "", "A phone number." } },
        { "MAIL", new[] { "email", "An e-mail address." } },
    };
    private static readonly string[] LinkOther = new[] { "", "A link." };

    private static readonly Dictionary<string, string> Choices = new Dictionary<string, string>
    {
        { "DROP_DOWN", "One of the field's options." },
        { "RADIO_BUTTON", "One of the field's options." },
    };

    private static readonly Dictionary<string, string> MultiChoices = new Dictionary<string, string>
    {
        { "CHECK_BOX", "Any of the field's options." },
        { "MULTI_SELECT", "Any of the field's options." },
    };

    // Entity pickers: description of the list, description of each entry's code.
    private static readonly Dictionary<string, string[]> Entities = new Dictionary<string, string[]>
    {
        { "USER_SELECT", new[] { "Users, each given by login name (code).", "Login name of the user." } },
        { "ORGANIZATION_SELECT", new[] { "Departments, each given by department code.", "Department code." } },
        { "GROUP_SELECT", new[] { "Groups, each given by group code.", "Group code." } },
    };

    private const string FileText = "Files, each given by a fileKey. Upload a file first to get a fileKey.";
    private const string FileKeyText = "The fileKey returned by the file upload.";
    private const string RowsText = "Rows of the table. On update, rows left out are removed; give a row's id to keep or change it.";
    private const string RowIdText = "ID of an existing row to change; leave it out to add a new row.";
    private const string RowValueText = "Field values of the row.";

    private static string Label(string code, JObject prop)
    {
        string label = StringOf(prop["label"]);
        return string.IsNullOrEmpty(label) ? code : label;
    }

    private static JObject Described(string jsonType, string summary, string description)
    {
        return new JObject { { "type", jsonType }, { "x-ms-summary", summary }, { "description", description } };
    }

    // Codes filled in by lookups (read-only for writes), also inside subtables.
    internal static void CollectCopyTargets(JObject properties, HashSet<string> targets)
    {
        foreach (JProperty property in properties.Properties())
        {
            JObject prop = AsObject(property.Value);
            JArray mappings = AsObject(prop["lookup"])["fieldMappings"] as JArray;
            foreach (JToken mapping in mappings ?? new JArray())
            {
                string target = StringOf(AsObject(mapping)["field"]);
                if (target != null)
                {
                    targets.Add(target);
                }
            }
            if (StringOf(prop["type"]) == "SUBTABLE")
            {
                CollectCopyTargets(AsObject(prop["fields"]), targets);
            }
        }
    }

    // Option keys ordered by numeric index; options without a usable index go last.
    private static JArray OptionKeys(JObject prop)
    {
        JArray keys = new JArray();
        // OrderBy is a stable sort: options with equal indexes keep kintone's order.
        foreach (JProperty option in AsObject(prop["options"]).Properties().OrderBy(o => OptionOrder(o.Value)))
        {
            keys.Add(option.Name);
        }
        return keys;
    }

    private static int OptionOrder(JToken option)
    {
        int? index = SmallInt(AsObject(option)["index"]);
        return index.HasValue ? index.Value : MaxSmallInt + 1;
    }

    private static void AddLengths(JObject schema, JObject prop)
    {
        foreach (string key in new[] { "minLength", "maxLength" })
        {
            int? length = SmallInt(prop[key]);
            if (length.HasValue)
            {
                schema[key] = length.Value;
            }
        }
    }

    private static JObject ScalarValue(string type, string label, JObject prop)
    {
        string[] scalar = Scalars[type];
        JObject schema = Described(scalar[0], label, scalar[2]);
        if (scalar[1].Length > 0)
        {
            schema["format"] = scalar[1];
        }
        if (type == "SINGLE_LINE_TEXT")
        {
            AddLengths(schema, prop);
        }
        return schema;
    }

    private static JObject LinkValue(string label, JObject prop)
    {
        string protocol = StringOf(prop["protocol"]);
        string[] link = protocol != null && Links.ContainsKey(protocol) ? Links[protocol] : LinkOther;
        JObject schema = Described("string", label, link[1]);
        if (link[0].Length > 0)
        {
            schema["format"] = link[0];
        }
        AddLengths(schema, prop);
        return schema;
    }

    private static JObject ChoiceValue(string label, JObject prop, string text)
    {
        JObject schema = Described("string", label, text);
        JArray keys = OptionKeys(prop);
        if (keys.Count > 0)
        {
            schema["enum"] = keys;
        }
        return schema;
    }

    private static JObject MultiChoiceValue(string label, JObject prop, string text)
    {
        JObject schema = Described("array", label, text);
        JObject items = new JObject { { "type", "string" } };
        JArray keys = OptionKeys(prop);
        if (keys.Count > 0)
        {
            items["enum"] = keys;
        }
        schema["items"] = items;
        return schema;
    }

    // An array of objects with one required string property (entity code or fileKey).
    private static JObject KeyedList(string label, string text, string key, string keySummary, string keyText)
    {
        JObject schema = Described("array", label, text);
        schema["items"] = new JObject
        {
            { "type", "object" },
            { "properties", new JObject { { key, Described("string", keySummary, keyText) } } },
            { "required", new JArray(key) },
        };
        return schema;
    }

    private static JObject TableValue(string label, JObject prop, HashSet<string> copyTargets, bool add)
    {
        JObject rowValue = Described("object", "Row fields", RowValueText);
        FillObject(rowValue, AsObject(prop["fields"]), copyTargets, add);
        JObject schema = Described("array", label, RowsText);
        schema["items"] = new JObject
        {
            { "type", "object" },
            { "properties", new JObject { { "id", Described("string", "Row ID", RowIdText) }, { "value", rowValue } } },
        };
        return schema;
    }

    // The schema of a field's value (the part sent as {"value": ...}).
    private static JObject ValueSchema(string type, string label, JObject prop, HashSet<string> copyTargets, bool add)
    {
        if (type == "LINK")
        {
            return LinkValue(label, prop);
        }
        if (Scalars.ContainsKey(type))
        {
            return ScalarValue(type, label, prop);
        }
        if (Choices.ContainsKey(type))
        {
            return ChoiceValue(label, prop, Choices[type]);
        }
        if (MultiChoices.ContainsKey(type))
        {
            return MultiChoiceValue(label, prop, MultiChoices[type]);
        }
        if (Entities.ContainsKey(type))
        {
            return KeyedList(label, Entities[type][0], "code", "Code", Entities[type][1]);
        }
        if (type == "FILE")
        {
            return KeyedList(label, FileText, "fileKey", "File key", FileKeyText);
        }
        return TableValue(label, prop, copyTargets, add);
    }

    private static bool IsWritable(string code, JObject prop, HashSet<string> copyTargets)
    {
        string type = StringOf(prop["type"]);
        if (type == null || !Nouns.ContainsKey(type) || copyTargets.Contains(code))
        {
            return false;
        }
        // A text field with a formula is filled in by kintone; writes to it are rejected.
        return !(type == "SINGLE_LINE_TEXT" && !string.IsNullOrEmpty(StringOf(prop["expression"])));
    }

    private static JObject FieldSchema(string code, JObject prop, HashSet<string> copyTargets, bool add)
    {
        string type = StringOf(prop["type"]);
        string label = Label(code, prop);
        JObject schema = Described("object", label, Nouns[type] + " \"" + label + "\" (" + type + ").");
        schema["properties"] = new JObject { { "value", ValueSchema(type, label, prop, copyTargets, add) } };
        schema["required"] = new JArray("value");
        return schema;
    }

    // Adds "properties" (writable fields, input order) and "required" (if any) to schema.
    private static void FillObject(JObject schema, JObject properties, HashSet<string> copyTargets, bool add)
    {
        JObject fields = new JObject();
        JArray required = new JArray();
        foreach (JProperty property in properties.Properties())
        {
            JObject prop = property.Value as JObject;
            if (prop == null || !IsWritable(property.Name, prop, copyTargets))
            {
                continue;
            }
            fields[property.Name] = FieldSchema(property.Name, prop, copyTargets, add);
            JToken isRequired = prop["required"];
            if (add && isRequired != null && isRequired.Type == JTokenType.Boolean && (bool)isRequired)
            {
                required.Add(property.Name);
            }
        }
        schema["properties"] = fields;
        if (required.Count > 0)
        {
            schema["required"] = required;
        }
    }

    // JSON Schema of a record body to add (add == true) or to update.
    internal static JObject WriteRecordSchema(JObject fieldsResponse, bool add)
    {
        JObject properties = AsObject(fieldsResponse["properties"]);
        HashSet<string> copyTargets = new HashSet<string>();
        CollectCopyTargets(properties, copyTargets);
        JObject schema = new JObject { { "type", "object" } };
        FillObject(schema, properties, copyTargets, add);
        return schema;
    }

    // One entry of UpdateRecords' records: the record to change, and its typed fields.
    internal static JObject UpdateItemSchema(JObject fieldsResponse)
    {
        JObject key = Described("object", "Update key", "A field that prohibits duplicate values, and the value that identifies the record.");
        key["properties"] = new JObject
        {
            { "field", Described("string", "Update key field code", "The code of the unique field.") },
            { "value", Described("string", "Update key value", "The value that identifies the record.") },
        };
        key["required"] = new JArray("field", "value");
        JObject record = WriteRecordSchema(fieldsResponse, false);
        record["x-ms-summary"] = "Fields";
        record["description"] = "The field values to change, by field code.";
        JObject properties = new JObject
        {
            { "id", Described("string", "Record ID", "The ID of the record to update; or use an update key.") },
            { "updateKey", key },
            { "revision", Described("string", "Expected revision", "The record's current revision; empty or -1 skips the check.") },
            { "record", record },
        };
        return new JObject { { "type", "object" }, { "properties", properties } };
    }

    // {"schema": JSON Schema for mode} for a kintone form-fields response.
    internal static JObject RecordSchema(JObject fieldsResponse, string mode)
    {
        if (mode == "add" || mode == "update")
        {
            return new JObject { { "schema", WriteRecordSchema(fieldsResponse, mode == "add") } };
        }
        if (mode == "add-list")
        {
            JObject list = new JObject { { "type", "array" }, { "items", WriteRecordSchema(fieldsResponse, true) } };
            return new JObject { { "schema", list } };
        }
        if (mode == "update-list")
        {
            JObject updates = new JObject { { "type", "array" }, { "items", UpdateItemSchema(fieldsResponse) } };
            return new JObject { { "schema", updates } };
        }
        JObject record = ReadRecordSchema(fieldsResponse);
        if (mode == "record")
        {
            JObject single = new JObject { { "type", "object" }, { "properties", new JObject { { "record", record } } } };
            return new JObject { { "schema", single } };
        }
        if (mode == "event")
        {
            return new JObject { { "schema", RecordEvent(record) } };
        }
        if (mode == "poll")
        {
            JObject value = new JObject { { "type", "array" }, { "items", record } };
            JObject poll = new JObject { { "type", "object" }, { "properties", new JObject { { "value", value } } } };
            return new JObject { { "schema", poll } };
        }
        return new JObject { { "schema", RecordsPage(record) } };
    }

    // A Get Records answer: the records and the total count (null unless asked for).
    private static JObject RecordsPage(JObject record)
    {
        JObject properties = new JObject
        {
            { "records", new JObject { { "type", "array" }, { "items", record } } },
            { "totalCount", new JObject { { "type", "string" }, { "x-nullable", true } } },
        };
        return new JObject { { "type", "object" }, { "properties", properties } };
    }

    private const string EventRecordText = "The record with the fields of the app, each field as type and value.";

    // What kintone posts for ADD_RECORD, UPDATE_RECORD and UPDATE_STATUS, with the app's
    // fields. The record has the read record's properties, with a summary and description added.
    private static JObject RecordEvent(JObject record)
    {
        JObject eventType = Described("string", "Event type", "The kind of event.");
        eventType["enum"] = new JArray("ADD_RECORD", "UPDATE_RECORD", "UPDATE_STATUS");
        JObject app = Described("object", "App", "The app where the event happened.");
        app["properties"] = new JObject
        {
            { "id", Described("string", "App ID", "The ID of the app.") },
            { "name", Described("string", "App name", "The name of the app.") },
        };
        JObject eventRecord = Described("object", "Record", EventRecordText);
        eventRecord["properties"] = record["properties"];
        JObject url = Described("string", "Record URL", "The address of the record.");
        url["format"] = "uri";
        JObject properties = new JObject
        {
            { "id", Described("string", "Notification ID", "The unique ID of this notification.") },
            { "type", eventType },
            { "app", app },
            { "record", eventRecord },
            { "recordTitle", Described("string", "Record title", "The record's title as set in the app.") },
            { "url", url },
        };
        return new JObject { { "type", "object" }, { "properties", properties } };
    }
}
