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
    // ---- Read record schema -------------------------------------------------------------
    // What kintone returns for a record (kintone-api.md section 4.1): every field with a
    // record value, each {"type", "value"}. Labels become x-ms-summary so the flow designer
    // names the tokens after the fields; "type" is internal, as nobody needs a token for it.

    // Types read as one string: JSON Schema format ("" for none), "null" when null occurs.
    // NUMBER and CALC are strings on reads. DATETIME has no format: kintone sends "" when empty.
    private static readonly Dictionary<string, string[]> ReadStrings = new Dictionary<string, string[]>
    {
        { "__ID__", new[] { "", "" } },
        { "__REVISION__", new[] { "", "" } },
        { "RECORD_NUMBER", new[] { "", "" } },
        { "SINGLE_LINE_TEXT", new[] { "", "" } },
        { "MULTI_LINE_TEXT", new[] { "", "" } },
        { "RICH_TEXT", new[] { "", "" } },
        { "LINK", new[] { "", "" } },
        { "NUMBER", new[] { "", "" } },
        { "CALC", new[] { "", "" } },
        { "RADIO_BUTTON", new[] { "", "" } },
        { "STATUS", new[] { "", "" } },
        { "DATETIME", new[] { "", "" } },
        { "CREATED_TIME", new[] { "date-time", "" } },
        { "UPDATED_TIME", new[] { "date-time", "" } },
        { "DROP_DOWN", new[] { "", "null" } },
        { "DATE", new[] { "date", "null" } },
        { "TIME", new[] { "", "null" } },
    };

    private static readonly HashSet<string> ReadStringLists = new HashSet<string> { "CHECK_BOX", "MULTI_SELECT", "CATEGORY" };
    private static readonly HashSet<string> ReadEntityLists = new HashSet<string>
    {
        "USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT", "STATUS_ASSIGNEE",
    };
    private static readonly HashSet<string> ReadEntities = new HashSet<string> { "CREATOR", "MODIFIER" };

    // The two system entries every record has, though the form fields never list them.
    private static readonly string[][] ReadSystem = new[]
    {
        new[] { "$id", "__ID__", "Record ID" },
        new[] { "$revision", "__REVISION__", "Revision" },
    };
    private static readonly string[][] EntityParts = new[] { new[] { "code", "Code" }, new[] { "name", "Name" } };
    private static readonly string[][] FileParts = new[]
    {
        new[] { "contentType", "Content type" },
        new[] { "fileKey", "File key" },
        new[] { "name", "File name" },
        new[] { "size", "Size in bytes" },
    };

    private static JObject Summarised(string jsonType, string summary)
    {
        return new JObject { { "type", jsonType }, { "x-ms-summary", summary } };
    }

    // An object of string properties, each { name, summary }.
    private static JObject ReadObject(string[][] parts)
    {
        JObject properties = new JObject();
        foreach (string[] part in parts)
        {
            properties[part[0]] = Summarised("string", part[1]);
        }
        return new JObject { { "type", "object" }, { "properties", properties } };
    }

    private static JObject ReadString(string type, string label)
    {
        string[] shape = ReadStrings[type];
        JObject schema = Summarised("string", label);
        if (shape[0].Length > 0)
        {
            schema["format"] = shape[0];
        }
        if (shape[1].Length > 0)
        {
            schema["x-nullable"] = true;
        }
        return schema;
    }

    private static JObject ReadList(string label, JObject items)
    {
        JObject schema = Summarised("array", label);
        schema["items"] = items;
        return schema;
    }

    private static JObject ReadTable(string label, JObject prop)
    {
        JObject rowValue = new JObject { { "type", "object" }, { "properties", ReadFields(AsObject(prop["fields"]), new JObject()) } };
        JObject rowProperties = new JObject { { "id", Summarised("string", "Row ID") }, { "value", rowValue } };
        return ReadList(label, new JObject { { "type", "object" }, { "properties", rowProperties } });
    }

    // The schema of a field's value as kintone returns it; null for types without one.
    private static JObject ReadValue(string type, string label, JObject prop)
    {
        if (ReadStrings.ContainsKey(type))
        {
            return ReadString(type, label);
        }
        if (ReadStringLists.Contains(type))
        {
            return ReadList(label, new JObject { { "type", "string" } });
        }
        if (ReadEntityLists.Contains(type))
        {
            return ReadList(label, ReadObject(EntityParts));
        }
        if (ReadEntities.Contains(type))
        {
            return new JObject { { "type", "object" }, { "x-ms-summary", label }, { "properties", ReadObject(EntityParts)["properties"] } };
        }
        if (type == "FILE")
        {
            return ReadList(label, ReadObject(FileParts));
        }
        // GROUP, REFERENCE_TABLE and types this connector does not know yet have no value.
        return type == "SUBTABLE" ? ReadTable(label, prop) : null;
    }

    private static JObject ReadField(string label, JObject value)
    {
        JObject type = new JObject { { "type", "string" }, { "x-ms-visibility", "internal" } };
        JObject properties = new JObject { { "type", type }, { "value", value } };
        return new JObject { { "type", "object" }, { "x-ms-summary", label }, { "properties", properties } };
    }

    // Adds read schemas of the fields that have a record value to into, in input order.
    private static JObject ReadFields(JObject properties, JObject into)
    {
        foreach (JProperty property in properties.Properties())
        {
            JObject prop = property.Value as JObject;
            string type = prop == null ? null : StringOf(prop["type"]);
            if (type == null)
            {
                continue;
            }
            string label = Label(property.Name, prop);
            JObject value = ReadValue(type, label, prop);
            if (value != null)
            {
                into[property.Name] = ReadField(label, value);
            }
        }
        return into;
    }

    // JSON Schema of one record as kintone returns it: $id and $revision, then the fields.
    internal static JObject ReadRecordSchema(JObject fieldsResponse)
    {
        JObject fields = new JObject();
        foreach (string[] system in ReadSystem)
        {
            fields[system[0]] = ReadField(system[2], ReadString(system[1], system[2]));
        }
        ReadFields(AsObject(fieldsResponse["properties"]), fields);
        return new JObject { { "type", "object" }, { "properties", fields } };
    }
}
