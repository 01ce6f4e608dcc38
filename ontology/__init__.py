"""policykg.ontology"""
