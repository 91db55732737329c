--ticketkit:if-index {{.Prefix}}tickets {{.Prefix}}tickets_dept_cat_updated_idx
DROP INDEX {{.Prefix}}tickets_dept_cat_updated_idx ON {{.Prefix}}tickets;
